l = [3, 1, 2]
l.append(4)
l.sort()
print(l, l[-1], l[1:3], len(l), l.pop(), l)
d = {'a': 1}
d['b'] = 2
print(d, d.get('c', 0), list(d.keys()), list(d.items()), 'a' in d, len(d))
t = (1, 'a', None, True)
print(t, (1,), (), t[1], t.index(None))
a = [1, 2]
b = a
b += [3]
print(a, a is b, [1, 2] == [1, 2], [1] is [1])
d = {1: 'int', 1.0: 'float', True: 'bool'}
print(d)
l = [0] * 3
l[1] = 5
del l[0]
print(l, l.keys if False else sorted([3, 1, 2], reverse=True))
a = []
a.append(a)
print(a)
d = {}
d['self'] = d
print(d)
