source_m.o := 
