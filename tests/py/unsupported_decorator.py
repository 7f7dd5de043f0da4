@decorator
def f(): pass
