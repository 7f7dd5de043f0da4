def counter():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    return inc
c = counter()
c()
print(c(), c())
total = 0
def add(x):
    global total
    total += x
add(2)
add(3)
print(total)
def make(n):
    return lambda x: x * n
print(make(3)(4), [f(1) for f in [make(i) for i in range(3)]])
def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)
print(fact(20))
