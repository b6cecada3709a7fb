/* Every test of the visualizer, one TEST(name) line each. The name's first
 * word picks the ctest entry: model_*, scenario_*, render_*. */
TEST(model_sleep_lanes)
TEST(model_sleep_stack_and_timers)
TEST(model_seek_matches_replay)
TEST(model_console_and_columns)
TEST(model_queue_slots_and_waiters)
TEST(model_block_starves)
TEST(model_exception_unwinds)
TEST(model_narration_every_frame)
TEST(model_navigation)
