// directory filters
