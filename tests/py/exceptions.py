try:
    x = 1 / 0
except ZeroDivisionError as e:
    print('caught', e, type(e).__name__, e.args)
else:
    print('else')
finally:
    print('finally')
try:
    pass
except Exception:
    print('no')
else:
    print('else ran')
try:
    {}['k']
except (IndexError, KeyError) as e:
    print(repr(e), str(e))
try:
    raise ValueError('bad')
except Exception as e:
    print(isinstance(e, ValueError), isinstance(e, Exception))
def f():
    try:
        return 'try'
    finally:
        print('cleanup')
print(f())
for i in range(3):
    try:
        if i == 1:
            break
    finally:
        print('f', i)
try:
    try:
        raise KeyError('a')
    except KeyError:
        raise
except LookupError as e:
    print('outer', repr(e))
try:
    raise KeyboardInterrupt
except Exception:
    print('no')
except BaseException as e:
    print('base', type(e).__name__)
try:
    try:
        1/0
    finally:
        print('inner')
except ZeroDivisionError:
    print('outer')
