try:
    1/0
except ZeroDivisionError as e:
    raise RuntimeError('x') from e
