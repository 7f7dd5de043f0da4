pirnt('x')
