"""Ten timers due at the same instant fire in scheduling order (CPython's heap
alone gives 0 2 6 5 9 8 7 1 3 4 here)."""
import asyncio

loop = asyncio.new_event_loop()
for i in range(10):
    loop.call_at(5.0, print, i)
loop.run_until_complete(asyncio.sleep(6))
print("done")
