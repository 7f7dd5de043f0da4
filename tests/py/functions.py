def f(a, b=2, *args, c=3, **kw):
    return (a, b, args, c, kw)
print(f(1))
print(f(1, 5, 6, 7, c=8, d=9))
print(f(*[1, 2], **{'c': 0}))
def g():
    pass
print(g(), g.__name__, (lambda x, y=1: x + y)(2))
