"""Work longer than a request, run by a worker process (`manage.py db_worker`) instead of a web worker.

running.py is the life of a job: queued, claimed by a worker, its progress and heartbeat, done or failed, and the
check that fails a job whose worker died; exports.py and imports.py are the two kinds of work; tasks.py is the one
task the queue (django-tasks, in the site's database) runs. docs/jobs.md says how to run the workers.
"""
