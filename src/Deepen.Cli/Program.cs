return Environment.ExitCode = Deepen.Cli.DeepenCli.Run(args); // the exit code MPI sees at exit (a failing rank aborts the job)
