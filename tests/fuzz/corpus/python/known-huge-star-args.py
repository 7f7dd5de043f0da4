# bounds helper (issue 15): a call with millions of positional arguments.
def f(*args):
    return len(args)
big = [0] * 9000000
print(f(*big, *big, *big))
