print('a', 'b', sep='|', end='!\n')
print()
print(1, None, True, 2.0)
import sys
print('err', file=sys.stderr)
