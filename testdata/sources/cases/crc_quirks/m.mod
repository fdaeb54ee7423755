m.o
d/two.o