print([x * x for x in range(5) if x % 2 == 0])
print({k: v for k, v in [('a', 1), ('b', 2)]})
print([(i, j) for i in range(3) for j in range(i)])
print(sum(x for x in range(10)), ', '.join(str(n) for n in [1, 2]))
x = 'outer'
l = [x for x in range(2)]
print(x, l)
def f(n):
    return [i * n for i in range(3)]
print(f(10))
