/* tests of value: TEST(name) lines */
