x = 1
def g():
    yield 1
