source_m.o:=m.c
