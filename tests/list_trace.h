/* tests of the event trace at scale: TEST(name) lines */
TEST(trace_intern_dedup)
TEST(trace_reprs_match_python)
TEST(trace_cancel_records_survive_growth)
TEST(trace_jsonl_slices_equal_whole)
