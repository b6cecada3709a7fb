"""e2: time.sleep blocks the loop; overdue timers fire in `when` order afterwards."""
import asyncio
import time


async def sleeper(name, delay):
    await asyncio.sleep(delay)
    print(f"{name} woke")


async def main():
    loop = asyncio.get_running_loop()
    tasks = [asyncio.create_task(sleeper(n, d))
             for n, d in [("X", 0.3), ("Y", 0.1), ("Z", 0.2)]]
    await asyncio.sleep(0)
    loop.call_soon(print, "call_soon cb")
    time.sleep(0.5)
    await asyncio.sleep(0)
    print("main resumed after sleep0")
    await asyncio.gather(*tasks)


asyncio.run(main())
