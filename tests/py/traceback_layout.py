def inner(x):
    return x / 0

def outer():
    inner(1)

outer()
