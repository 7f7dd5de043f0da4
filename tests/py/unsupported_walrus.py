if (n := 5): pass
