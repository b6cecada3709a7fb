/* tests of the compact event store (trace.c): TEST(name) lines */
TEST(trace_store_walk_reads_back_every_field)
TEST(trace_store_jumps_read_back)
TEST(trace_store_set_b_in_place)
TEST(trace_store_is_compact)
