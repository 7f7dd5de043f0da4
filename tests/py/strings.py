s = '  Hello, World  '
print(s.strip().upper(), s.lower().strip(), s.split(','))
print('-'.join(['a', 'b', 'c']), 'a b  c'.split(), 'abc'.startswith('ab'), 'x'.endswith(('y', 'x')))
print('{} and {}'.format(1, 'two'), '{0}{1}{0}'.format('a', 'b'), '{name}!'.format(name='hi'))
print('%s is %d years, %.2f%%' % ('Bob', 42, 99.5), '%r' % 'x', '%5s|%-5s|' % ('a', 'b'))
s = 'héllo'
print(len(s), s[1], s[-1], s[1:3], s[::-1], s.replace('l', 'L'), s.find('l'), s.count('l'))
print(repr('it\'s'), repr("a\nb"), str(12), 'ab' * 3, 'a' in 'cat', 'z' not in 'cat')
print('abc'.zfill(5), 'x'.center(5, '*'), 'a=b=c'.partition('='), 'Title case'.title())
