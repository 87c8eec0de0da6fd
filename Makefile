.PHONY: run test bench fonts messages check-deploy

run:            ## the application with demo data on http://127.0.0.1:8000
	./scripts/run.sh

test:           ## the whole test suite
	./scripts/test.sh

bench:          ## speed and memory benchmarks (targets in benchmarks/README.md)
	./scripts/bench.sh

fonts:          ## build the PDF fonts under var/fonts
	.venv/bin/python scripts/build_fonts.py

messages:       ## refresh and compile the translation catalogs
	.venv/bin/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=tests --ignore=var
	.venv/bin/python manage.py compilemessages --ignore=.venv
