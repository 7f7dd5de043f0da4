# Each statement fails as in CPython; the handler prints the class and str(e).
try:
    [1][5]
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    {}['k']
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    (1).x
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    None()
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    len(5)
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    1 + 'a'
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    'a' + 1
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    'a' < 1
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    int('abc')
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    a, b = 1, 2, 3
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    a, b = [1]
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    a, b = 1
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    1 % 0
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    1.0 / 0
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    [].pop()
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    {[]: 1}
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    '%d' % 'x'
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    max([])
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    1 in 5
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    import nosuch
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    '{}'.format()
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    x = 'abc'
    x[0] = 'z'
except BaseException as e:
    print(type(e).__name__ + ":", e)
try:
    raise 5
except BaseException as e:
    print(type(e).__name__ + ":", e)
