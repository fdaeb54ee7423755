m.o
