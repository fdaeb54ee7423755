x
#SYMVER sym_a 0x1
