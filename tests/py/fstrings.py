x = 3.14159
name = 'q'
print(f'{x:.2f} {name!r} {x:>8.3f}|{42:05d} {name}')
d = {'k': 'v'}
print(f"{d['k']} {d["k"]} {{literal}} {1+2=}")
w = 6
p = 2
print(f'{3.14159:{w}.{p}f}|{"ab":^{w}}|')
n = 1234567
print(f'{n:,} {n:_} {255:#x} {0.25:.0%} {12345.678:e} {1e-5:g}')
