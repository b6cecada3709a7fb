"""e1: a new task takes its first step one iteration later, behind what is queued."""
import asyncio


async def child(n):
    print(f"child start {n}")
    await asyncio.sleep(0)
    print(f"child after sleep0 {n}")
    return n


async def waiter(task):
    print("waiter start")
    result = await task
    print(f"waiter got {result}")


async def main():
    t1 = asyncio.create_task(child(1))
    t2 = asyncio.create_task(child(2))
    w = asyncio.create_task(waiter(t1))
    print("main created; sleep0")
    await asyncio.sleep(0)
    print("main after sleep0")
    result = await t1
    print(f"main awaited t1 -> {result}")
    await asyncio.gather(t2, w)


asyncio.run(main())
