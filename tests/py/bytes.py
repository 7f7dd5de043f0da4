b = 'héllo'.encode()
print(b, len(b), b.decode(), b[0], b[1:3])
body = b'Hello World!'
print(body.decode('utf-8'), type(body).__name__, body == b'Hello World!')
print(b'a.b..c'.count(b'.'), b'aaa'.count(b'aa'), b'ab'.count(b''), b'a.a'.count(46))
