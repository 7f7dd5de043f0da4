print(7 // 2, -7 // 2, 7 % 3, -7 % 3, 2 ** 10, 2 ** -1, 7 / 2, 1 + 2 * 3 - 4)
print(0.1 + 0.2, 1e16, 1.5e-7, 3.0, -0.0, 1/3, 2.5 // 1, -7.5 % 2)
print(float('inf'), -float('inf'), float('nan'))
print(True + True, 5 & 3, 5 | 3, 5 ^ 3, ~5, 1 << 4, -16 >> 2)
x = 10
x += 5
x -= 1
x *= 2
x //= 3
x **= 2
print(x)
print(round(2.5), round(3.5), round(2.675, 2), round(1234, -2), abs(-3), divmod(7, -2))
