# bounds helper (issue 15): the instruction budget resets at every sleep, so a loop that sleeps a
# little runs without bound: ~1M instructions per simulated millisecond here.
import time
while True:
    for i in range(300000):
        pass
    time.sleep(0.001)
