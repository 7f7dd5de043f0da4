print('hi'
