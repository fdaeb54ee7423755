m.o
nocmd.o
