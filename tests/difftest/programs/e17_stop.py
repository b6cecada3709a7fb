"""e17: stop() lets the current iteration finish; later callbacks wait."""
import asyncio

loop = asyncio.new_event_loop()


def a():
    print("A: stop + call_soon(B)")
    loop.stop()
    loop.call_soon(print, "B")


loop.call_soon(a)
loop.call_soon(print, "C (same snapshot)")
loop.call_later(0, print, "T (timer due now)")
loop.run_forever()
print("run_forever returned")
loop.run_until_complete(asyncio.sleep(0))
