/* tests of runtime: TEST(name) lines */
