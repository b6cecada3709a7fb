/* tests of the runtime: TEST(name) lines */
TEST(runtime_random_matches_cpython)
TEST(runtime_fork_outcome)
TEST(runtime_trace_invariants)
TEST(runtime_limits)
TEST(runtime_two_runs_independent)
TEST(runtime_queue_wake_names_task)
TEST(runtime_unreachable_timer_interrupts)
TEST(runtime_sleep_futures_reused)
