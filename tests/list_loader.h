/* tests of loader: TEST(name) lines */
