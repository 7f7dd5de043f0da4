# bounds helper (issue 15): a cap per list but none on the total: doubling strings kept in a list.
s = 'x'
kept = []
while True:
    s = s + s
    if len(s) > 1000000:
        s = 'x' * 1000000
    kept.append(s)
