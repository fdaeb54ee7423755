int tab;
