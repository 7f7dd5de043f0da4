for i in range(10):
    if i == 2:
        continue
    elif i > 4:
        break
    print(i)
else:
    print('no')
n = 0
while True:
    n += 1
    if n >= 3:
        break
else:
    print('never')
print(n)
while n < 5:
    n += 1
else:
    print('done', n)
for ch in 'ab':
    print(ch)
for k in {'x': 1}:
    print(k)
for i, v in enumerate(['a', 'b'], 1):
    print(i, v)
for a, b in zip([1, 2], 'xy'):
    print(a, b)
x = 5
print('big' if x > 3 else 'small', 1 < x < 10, 1 < x > 10, x and 0, x or 0, not x)
if __name__ == '__main__':
    print('main')
for i in range(10, 0, -3): print(i, end=' ')
print()
print(*range(3), sep='-')
