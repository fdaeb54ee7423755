x
#SYMVER sym_a 3
#SYMVER sym_c 0xabcdef01
#SYMVER sym_h 0xffffffffffffffff
#SYMVER sym_e 0x100000002