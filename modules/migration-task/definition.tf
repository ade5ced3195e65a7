# The runner's Amazon States Language definition (JSONPath), built as an HCL object.
#
#   ValidateInput -> PrepareRun -> ReadClock -> AcquireLock (lock.tf)
#     -> DescribeBaseTaskDefinition -> RegisterPinnedRevision
#     -> Step1Begin -> Step1Run -> Step1Check -> Step2Begin ... -> Summarize
#     -> ReleaseLockAfterSuccess -> MigrationSucceeded
#
# Every failure after AcquireLock records {error, cause} in $.failure (a Migration.* error
# and a cause that names the step, its command and what happened: exit code, stop reason,
# task ARN), releases the lock and ends in MigrationFailed, so the pipeline's Migrate action
# fails with a readable message and the next run is not blocked. Failures before the lock is
# taken (InvalidInput, AlreadyRunning, LockUnavailable) end at once.

locals {
  step_count = length(local.commands)
  # The execution's own backstop: no run, however stuck, lives longer.
  execution_timeout_seconds = local.step_count * var.timeout_seconds + 600

  network_configuration = {
    AwsvpcConfiguration = {
      Subnets        = var.subnet_ids
      SecurityGroups = var.security_group_ids
      AssignPublicIp = "DISABLED"
    }
  }

  # Catchers shared by every RunTask state. Order matters: the first match wins.
  run_catchers = [
    { ErrorEquals = ["States.Timeout"], ResultPath = "$.error", Next = "FindTimedOutTasks" },
    # RunTask answered with a non-empty `failures` list: the task never started.
    { ErrorEquals = ["AmazonECS.Unknown"], ResultPath = "$.error", Next = "CouldNotStart" },
    { ErrorEquals = ["States.ALL"], ResultPath = "$.error", Next = "RunFailed" },
  ]

  step_states = merge([
    for i, cmd in local.commands : {
      "Step${i + 1}Begin" = {
        Type       = "Pass"
        Comment    = i == 0 ? "The migration command." : "Extra release command ${i}."
        Result     = { number = i + 1, of = local.step_count, command = join(" ", cmd) }
        ResultPath = "$.step"
        Next       = "Step${i + 1}Run"
      }
      "Step${i + 1}Run" = {
        Type           = "Task"
        Comment        = "Run the command with the pinned image in the private subnets and wait for the task to stop."
        Resource       = "arn:${local.partition}:states:::ecs:runTask.sync"
        TimeoutSeconds = var.timeout_seconds
        # Only the parameters the optimized ecs:runTask integration accepts (Cluster, Group,
        # LaunchType, NetworkConfiguration, Overrides, PlacementConstraints, PlacementStrategy,
        # PlatformVersion, TaskDefinition): StartedBy is set by Step Functions itself, so the
        # timeout clean-up finds the task by its family instead. The set, with its source, is
        # zonke_tf/stepfunctions_ecs.py; a test checks every runTask state against it.
        # https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html
        Parameters = {
          Cluster              = var.cluster_arn
          "TaskDefinition.$"   = "$.pinned.taskDefinitionArn"
          LaunchType           = "FARGATE"
          PlatformVersion      = "LATEST"
          NetworkConfiguration = local.network_configuration
          Overrides            = { ContainerOverrides = [{ Name = var.container_name, Command = concat(var.command_prefix, cmd) }] }
        }
        ResultPath = "$.run"
        Catch      = local.run_catchers
        Next       = "Step${i + 1}Check"
      }
      # Succeed only on exit code 0 of the (single, essential) container. The rules are
      # tried in order, so the exit code is only compared once it is known to be a number.
      "Step${i + 1}Check" = {
        Type = "Choice"
        Choices = [
          { Variable = "$.run.Containers[0].ExitCode", IsPresent = false, Next = "StoppedBeforeExit" },
          { Variable = "$.run.Containers[0].ExitCode", IsNumeric = false, Next = "StoppedBeforeExit" },
          { Variable = "$.run.Containers[0].ExitCode", NumericEquals = 0, Next = i + 1 < local.step_count ? "Step${i + 2}Begin" : "Summarize" },
        ]
        Default = "ExitedNonZero"
      }
    }
  ]...)

  definition = {
    Comment        = "Zonké TF migration runner for ${var.name}: pins the given image, runs the migration and release commands one by one, fails unless each exits 0."
    StartAt        = "ValidateInput"
    TimeoutSeconds = local.execution_timeout_seconds
    States = merge(local.step_states, local.lock_states, {
      ValidateInput = {
        Type    = "Choice"
        Comment = "The input must be {\"image\": \"<this app's repository>:<tag>\"} (or @sha256:<digest>)."
        Choices = [
          { Variable = "$.image", IsPresent = false, Next = "InvalidInput" },
          { Variable = "$.image", IsString = false, Next = "InvalidInput" },
          {
            Or = [
              { Variable = "$.image", StringMatches = "${var.ecr_repository_url}:*" },
              { Variable = "$.image", StringMatches = "${var.ecr_repository_url}@sha256:*" },
            ]
            Next = "PrepareRun"
          },
        ]
        Default = "InvalidInput"
      }
      InvalidInput = {
        Type  = "Fail"
        Error = "Migration.InvalidInput"
        Cause = "The runner's input must be {\"image\": \"${var.ecr_repository_url}:<tag>\"}: an image of this app's repository. Nothing was run."
      }
      PrepareRun = {
        Type       = "Pass"
        Parameters = { "image.$" = "$.image", imageOverride = { "Image.$" = "$.image" } }
        Next       = "ReadClock"
      }
      DescribeBaseTaskDefinition = {
        Type     = "Task"
        Resource = "arn:${local.partition}:states:::aws-sdk:ecs:describeTaskDefinition"
        # The family's latest ACTIVE revision: Terraform's, or a copy of it pinned to an
        # earlier image (identical but for the image, which is replaced next).
        Parameters     = { TaskDefinition = local.family }
        ResultSelector = { "containerDefinitions.$" = "$.TaskDefinition.ContainerDefinitions", "volumes.$" = "$.TaskDefinition.Volumes" }
        ResultPath     = "$.base"
        Retry          = [{ ErrorEquals = ["States.TaskFailed"], IntervalSeconds = 2, MaxAttempts = 3, BackoffRate = 2 }]
        Catch          = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.error", Next = "CouldNotPrepare" }]
        Next           = "RegisterPinnedRevision"
      }
      # ECS RunTask cannot override a container's image: register a revision of the family
      # that copies the latest one with the image replaced, and run that.
      RegisterPinnedRevision = {
        Type     = "Task"
        Resource = "arn:${local.partition}:states:::aws-sdk:ecs:registerTaskDefinition"
        Parameters = {
          Family                   = local.family
          TaskRoleArn              = var.task_role_arn
          ExecutionRoleArn         = var.execution_role_arn
          NetworkMode              = "awsvpc"
          RequiresCompatibilities  = ["FARGATE"]
          Cpu                      = tostring(var.cpu)
          Memory                   = tostring(var.memory)
          RuntimePlatform          = { OperatingSystemFamily = "LINUX", CpuArchitecture = var.cpu_architecture }
          "ContainerDefinitions.$" = "States.Array(States.JsonMerge($.base.containerDefinitions[0], $.imageOverride, false))"
          "Volumes.$"              = "$.base.volumes"
          Tags = concat(
            [for k in sort(keys(local.tags)) : { Key = k, Value = local.tags[k] }],
            [{ Key = "zonke:migration-execution", "Value.$" = "$$.Execution.Name" }, { Key = "zonke:image", "Value.$" = "$.image" }],
          )
        }
        ResultSelector = { "taskDefinitionArn.$" = "$.TaskDefinition.TaskDefinitionArn" }
        ResultPath     = "$.pinned"
        Catch          = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.error", Next = "CouldNotPrepare" }]
        Next           = "Step1Begin"
      }
      Summarize = {
        Type = "Pass"
        Parameters = {
          "image.$"             = "$.image"
          "taskDefinitionArn.$" = "$.pinned.taskDefinitionArn"
          "lastTaskArn.$"       = "$.run.TaskArn"
          steps                 = local.step_count
        }
        Next = "ReleaseLockAfterSuccess"
      }
      MigrationSucceeded = { Type = "Succeed" }
      # Describing the base revision or registering the pinned one failed (after retries).
      CouldNotPrepare = {
        Type       = "Pass"
        Parameters = { error = "Migration.CouldNotPrepare", "cause.$" = "States.Format('The pinned task definition could not be prepared, so no step ran: {}: {}', $.error.Error, $.error.Cause)" }
        ResultPath = "$.failure"
        Next       = "ReleaseLockAfterFailure"
      }
      ExitedNonZero = {
        Type       = "Pass"
        Parameters = { error = "Migration.Failed", "cause.$" = "States.Format('Step {} of {} ({}) exited with code {}. Stop reason: {}. Task: {}', $.step.number, $.step.of, $.step.command, $.run.Containers[0].ExitCode, $.run.StoppedReason, $.run.TaskArn)" }
        ResultPath = "$.failure"
        Next       = "ReleaseLockAfterFailure"
      }
      StoppedBeforeExit = {
        Type       = "Pass"
        Parameters = { error = "Migration.StoppedBeforeExit", "cause.$" = "States.Format('Step {} of {} ({}) stopped before its container exited ({}): {}. Task: {}', $.step.number, $.step.of, $.step.command, $.run.StopCode, $.run.StoppedReason, $.run.TaskArn)" }
        ResultPath = "$.failure"
        Next       = "ReleaseLockAfterFailure"
      }
      CouldNotStart = {
        Type       = "Pass"
        Parameters = { error = "Migration.CouldNotStart", "cause.$" = "States.Format('Step {} of {} ({}) could not start: {}', $.step.number, $.step.of, $.step.command, $.error.Cause)" }
        ResultPath = "$.failure"
        Next       = "ReleaseLockAfterFailure"
      }
      RunFailed = {
        Type       = "Pass"
        Parameters = { error = "Migration.Failed", "cause.$" = "States.Format('Step {} of {} ({}) failed: {}: {}', $.step.number, $.step.of, $.step.command, $.error.Error, $.error.Cause)" }
        ResultPath = "$.failure"
        Next       = "ReleaseLockAfterFailure"
      }
      # The step ran past timeout_seconds: stop its task so nothing keeps migrating behind the
      # pipeline's back, then fail. The task is found by the migration family in the app's
      # cluster: only one run of the runner is ever in progress (OneRunAtATime), so a running
      # task of the family is this run's. (RunTask's startedBy cannot be set through the
      # optimized integration, and a timed-out state returns no task ARN.)
      FindTimedOutTasks = {
        Type           = "Task"
        Resource       = "arn:${local.partition}:states:::aws-sdk:ecs:listTasks"
        Parameters     = { Cluster = var.cluster_arn, Family = local.family, DesiredStatus = "RUNNING" }
        ResultSelector = { "taskArns.$" = "$.TaskArns" }
        ResultPath     = "$.timedOut"
        Catch          = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.cleanupError", Next = "TimedOut" }]
        Next           = "StopTimedOutTasks"
      }
      StopTimedOutTasks = {
        Type      = "Map"
        ItemsPath = "$.timedOut.taskArns"
        ItemProcessor = {
          ProcessorConfig = { Mode = "INLINE" }
          StartAt         = "StopTask"
          States = {
            StopTask = {
              Type       = "Task"
              Resource   = "arn:${local.partition}:states:::aws-sdk:ecs:stopTask"
              Parameters = { Cluster = var.cluster_arn, "Task.$" = "$", Reason = "Migration runner: the step timed out after ${var.timeout_seconds} seconds" }
              End        = true
            }
          }
        }
        ResultPath = null
        Catch      = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.cleanupError", Next = "TimedOut" }]
        Next       = "TimedOut"
      }
      TimedOut = {
        Type       = "Pass"
        Parameters = { error = "Migration.TimedOut", "cause.$" = "States.Format('Step {} of {} ({}) did not finish within ${var.timeout_seconds} seconds; its task was stopped.', $.step.number, $.step.of, $.step.command)" }
        ResultPath = "$.failure"
        Next       = "ReleaseLockAfterFailure"
      }
    })
  }
}
