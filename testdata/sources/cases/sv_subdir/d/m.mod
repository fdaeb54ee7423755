d/a.o

lib/foo.a
d/sub/c.o
