source_m.o := nope.c
