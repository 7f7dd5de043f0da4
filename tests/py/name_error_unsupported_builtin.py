s = set()
