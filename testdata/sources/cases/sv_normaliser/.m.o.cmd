savedcmd_m.o := gcc -c -o m.o m.c

source_m.o := m.c

deps_m.o := \
  missing-but-never-read.h \

m.o: $(deps_m.o)
