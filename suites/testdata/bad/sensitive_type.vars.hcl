key = ["hunter2"]
