m.o

missing.o
