# bounds helper (issue 15): one scheduler event per simulated microsecond.
import time
while True:
    time.sleep(0.000001)
