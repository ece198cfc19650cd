# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hjob_global_optspecs
    string join \n output= v/verbose q/quiet color= config= state-url= user= keytab= principal= do-as= h/help V/version
end

function __fish_hjob_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hjob_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hjob_using_subcommand
    set -l cmd (__fish_hjob_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hjob -n "__fish_hjob_needs_command" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_needs_command" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_needs_command" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_needs_command" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_needs_command" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_needs_command" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_needs_command" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_needs_command" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_needs_command" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_needs_command" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_needs_command" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_needs_command" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "run" -d 'Render, stage and submit a job, then wait for it'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "status" -d 'Show a job\'s status once'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "wait" -d 'Wait for a submitted job (re-attach), with the same display and exit codes as run'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "kill" -d 'Kill a job'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "logs" -d 'Show a job\'s Oozie log and its launcher\'s stdout/stderr'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "list" -d 'List recent jobs'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "gc" -d 'Remove staged files of ended jobs, unused cached files and partial uploads'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "cluster" -d 'Show the active cluster and whether ad hoc submission is enabled'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "state" -d 'Show the active cluster and whether ad hoc submission is enabled'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "doctor" -d 'Check the setup: config, state service, Oozie, NameNode, a DataNode, YARN, clock, HDFS home'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "admin" -d 'Change the state service (admins)'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "state-server" -d 'Serve the state API'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "config" -d 'Show the resolved configuration'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "templates" -d 'List or show workflow templates'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c hjob -n "__fish_hjob_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -f -a "scalding" -d 'A Scalding job: java action running com.twitter.scalding.Tool'
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -f -a "java" -d 'A plain Java / MapReduce driver: java action'
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -f -a "spark" -d 'A Spark application (jar or .py) on YARN in cluster mode'
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -f -a "hive" -d 'A Hive query or script through HiveServer2 (hive2 action)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -f -a "shell" -d 'A shell command or script, with its output captured'
complete -c hjob -n "__fish_hjob_using_subcommand run; and not __fish_seen_subcommand_from scalding java spark hive shell help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l jar -d 'The job\'s jar (a fat jar with Scalding inside)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l name -d 'Job name (default: hjob-<kind>-<user>-<short id>)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l queue -d 'YARN queue (default: the cluster\'s)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -s D -d 'Hadoop configuration for the action, KEY=VALUE (repeatable)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l file -d 'Ship an extra file with the job (repeatable)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l archive -d 'Ship an archive, unpacked on the cluster (repeatable)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l schema -d 'Workflow schema: 0.5 (Oozie 4.3 and 5.x) or 1.0 (Oozie 5.x)' -r -f -a "0.5\t''
1.0\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l timeout -d 'Stop waiting after this long (exit 5; the job keeps running), e.g. 30m' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l dry-run -d 'Render and check the workflow, print it, submit nothing'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l detach -d 'Submit, print the job id and exit without waiting'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l kill-on-interrupt -d 'Kill the job when interrupted with Ctrl-C (default: leave it running)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -l no-follow -d 'Don\'t stream the job\'s own stdout/stderr while waiting'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from scalding" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l jar -d 'The job\'s jar' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l main-class -d 'The main class' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l java-opts -d 'JVM options for the launcher, e.g. "-Xmx2g"' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l name -d 'Job name (default: hjob-<kind>-<user>-<short id>)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l queue -d 'YARN queue (default: the cluster\'s)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -s D -d 'Hadoop configuration for the action, KEY=VALUE (repeatable)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l file -d 'Ship an extra file with the job (repeatable)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l archive -d 'Ship an archive, unpacked on the cluster (repeatable)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l schema -d 'Workflow schema: 0.5 (Oozie 4.3 and 5.x) or 1.0 (Oozie 5.x)' -r -f -a "0.5\t''
1.0\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l timeout -d 'Stop waiting after this long (exit 5; the job keeps running), e.g. 30m' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l dry-run -d 'Render and check the workflow, print it, submit nothing'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l detach -d 'Submit, print the job id and exit without waiting'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l kill-on-interrupt -d 'Kill the job when interrupted with Ctrl-C (default: leave it running)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -l no-follow -d 'Don\'t stream the job\'s own stdout/stderr while waiting'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from java" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l jar -d 'The application: a jar, or a .py file' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l class -d 'The main class (jar applications)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l spark-opts -d 'Extra spark-submit options, e.g. "--executor-memory 4g"' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l name -d 'Job name (default: hjob-<kind>-<user>-<short id>)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l queue -d 'YARN queue (default: the cluster\'s)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -s D -d 'Hadoop configuration for the action, KEY=VALUE (repeatable)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l file -d 'Ship an extra file with the job (repeatable)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l archive -d 'Ship an archive, unpacked on the cluster (repeatable)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l schema -d 'Workflow schema: 0.5 (Oozie 4.3 and 5.x) or 1.0 (Oozie 5.x)' -r -f -a "0.5\t''
1.0\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l timeout -d 'Stop waiting after this long (exit 5; the job keeps running), e.g. 30m' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l dry-run -d 'Render and check the workflow, print it, submit nothing'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l detach -d 'Submit, print the job id and exit without waiting'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l kill-on-interrupt -d 'Kill the job when interrupted with Ctrl-C (default: leave it running)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -l no-follow -d 'Don\'t stream the job\'s own stdout/stderr while waiting'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from spark" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l script -d 'A HiveQL script file' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -s e -d 'A HiveQL query (it may start with `-`, e.g. a `--` comment)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l param -d 'A script parameter, K=V (repeatable)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l jdbc-url -d 'HiveServer2 JDBC URL (default: the cluster\'s hive2_jdbc_url)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l name -d 'Job name (default: hjob-<kind>-<user>-<short id>)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l queue -d 'YARN queue (default: the cluster\'s)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -s D -d 'Hadoop configuration for the action, KEY=VALUE (repeatable)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l file -d 'Ship an extra file with the job (repeatable)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l archive -d 'Ship an archive, unpacked on the cluster (repeatable)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l schema -d 'Workflow schema: 0.5 (Oozie 4.3 and 5.x) or 1.0 (Oozie 5.x)' -r -f -a "0.5\t''
1.0\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l timeout -d 'Stop waiting after this long (exit 5; the job keeps running), e.g. 30m' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l dry-run -d 'Render and check the workflow, print it, submit nothing'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l detach -d 'Submit, print the job id and exit without waiting'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l kill-on-interrupt -d 'Kill the job when interrupted with Ctrl-C (default: leave it running)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -l no-follow -d 'Don\'t stream the job\'s own stdout/stderr while waiting'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from hive" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l script -d 'A script to ship and run (its arguments follow `--`)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l env -d 'An environment variable for the command, K=V (repeatable)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l name -d 'Job name (default: hjob-<kind>-<user>-<short id>)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l queue -d 'YARN queue (default: the cluster\'s)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -s D -d 'Hadoop configuration for the action, KEY=VALUE (repeatable)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l file -d 'Ship an extra file with the job (repeatable)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l archive -d 'Ship an archive, unpacked on the cluster (repeatable)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l schema -d 'Workflow schema: 0.5 (Oozie 4.3 and 5.x) or 1.0 (Oozie 5.x)' -r -f -a "0.5\t''
1.0\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l timeout -d 'Stop waiting after this long (exit 5; the job keeps running), e.g. 30m' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l dry-run -d 'Render and check the workflow, print it, submit nothing'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l detach -d 'Submit, print the job id and exit without waiting'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l kill-on-interrupt -d 'Kill the job when interrupted with Ctrl-C (default: leave it running)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -l no-follow -d 'Don\'t stream the job\'s own stdout/stderr while waiting'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from shell" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from help" -f -a "scalding" -d 'A Scalding job: java action running com.twitter.scalding.Tool'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from help" -f -a "java" -d 'A plain Java / MapReduce driver: java action'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from help" -f -a "spark" -d 'A Spark application (jar or .py) on YARN in cluster mode'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from help" -f -a "hive" -d 'A Hive query or script through HiveServer2 (hive2 action)'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from help" -f -a "shell" -d 'A shell command or script, with its output captured'
complete -c hjob -n "__fish_hjob_using_subcommand run; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hjob -n "__fish_hjob_using_subcommand status" -l cluster -d 'The cluster the job runs on (default: remembered at submit, else every cluster is asked)' -r
complete -c hjob -n "__fish_hjob_using_subcommand status" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand status" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand status" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand status" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand status" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand status" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand status" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand status" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand status" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand status" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand status" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand status" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand wait" -l cluster -d 'The cluster the job runs on (default: remembered at submit, else every cluster is asked)' -r
complete -c hjob -n "__fish_hjob_using_subcommand wait" -l timeout -d 'Stop waiting after this long (exit 5; the job keeps running), e.g. 30m' -r
complete -c hjob -n "__fish_hjob_using_subcommand wait" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand wait" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand wait" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand wait" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand wait" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand wait" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand wait" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand wait" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand wait" -l kill-on-interrupt -d 'Kill the job when interrupted with Ctrl-C (default: leave it running)'
complete -c hjob -n "__fish_hjob_using_subcommand wait" -l no-follow -d 'Don\'t stream the job\'s own stdout/stderr while waiting'
complete -c hjob -n "__fish_hjob_using_subcommand wait" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand wait" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand wait" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand wait" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand kill" -l cluster -d 'The cluster the job runs on (default: remembered at submit, else every cluster is asked)' -r
complete -c hjob -n "__fish_hjob_using_subcommand kill" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand kill" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand kill" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand kill" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand kill" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand kill" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand kill" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand kill" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand kill" -s y -l yes -d 'Do not ask for confirmation'
complete -c hjob -n "__fish_hjob_using_subcommand kill" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand kill" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand kill" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand kill" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand logs" -l cluster -d 'The cluster the job runs on (default: remembered at submit, else every cluster is asked)' -r
complete -c hjob -n "__fish_hjob_using_subcommand logs" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand logs" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand logs" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand logs" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand logs" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand logs" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand logs" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand logs" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand logs" -s f -l follow -d 'Stream the running actions\' stdout/stderr from YARN until the job ends'
complete -c hjob -n "__fish_hjob_using_subcommand logs" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand logs" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand logs" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand logs" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand list" -l status -d 'Only jobs in this status (PREP, RUNNING, SUSPENDED, SUCCEEDED, FAILED, KILLED)' -r -f -a "PREP\t''
RUNNING\t''
SUSPENDED\t''
SUCCEEDED\t''
FAILED\t''
KILLED\t''"
complete -c hjob -n "__fish_hjob_using_subcommand list" -l name -d 'Only jobs with exactly this name (any characters)' -r
complete -c hjob -n "__fish_hjob_using_subcommand list" -l limit -d 'How many jobs to show' -r
complete -c hjob -n "__fish_hjob_using_subcommand list" -l cluster -d 'The cluster to list (default: the active one)' -r
complete -c hjob -n "__fish_hjob_using_subcommand list" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand list" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand list" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand list" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand list" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand list" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand list" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand list" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand list" -l all-users -d 'Everyone\'s jobs, not only mine'
complete -c hjob -n "__fish_hjob_using_subcommand list" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand list" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand list" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand list" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand gc" -l runs-days -d 'Remove the run directory of a job that ended more than this many days ago' -r
complete -c hjob -n "__fish_hjob_using_subcommand gc" -l cache-days -d 'Remove cached files unused for more than this many days' -r
complete -c hjob -n "__fish_hjob_using_subcommand gc" -l cluster -d 'The cluster to clean (default: the active one)' -r
complete -c hjob -n "__fish_hjob_using_subcommand gc" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand gc" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand gc" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand gc" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand gc" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand gc" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand gc" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand gc" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand gc" -l dry-run -d 'List what would be removed, and remove nothing'
complete -c hjob -n "__fish_hjob_using_subcommand gc" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand gc" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand gc" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand gc" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand cluster" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand cluster" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand cluster" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand cluster" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand cluster" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand cluster" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand cluster" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand cluster" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand cluster" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand cluster" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand cluster" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand cluster" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand state" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand state" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand state" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand state" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand state" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand state" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand state" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand state" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand state" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand state" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand state" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand state" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand doctor" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand doctor" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand doctor" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand doctor" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand doctor" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand doctor" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand doctor" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand doctor" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand doctor" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand doctor" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -f -a "status" -d 'Show the whole state document'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -f -a "disable" -d 'Stop ad hoc submission everywhere, with a message for users'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -f -a "enable" -d 'Allow ad hoc submission again'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -f -a "use" -d 'Send ad hoc jobs to another cluster'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -f -a "set-cluster" -d 'Add or change a cluster\'s endpoints'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -f -a "remove-cluster" -d 'Remove a cluster (not the active one)'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -f -a "audit" -d 'Show the last changes, newest first'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and not __fish_seen_subcommand_from status disable enable use set-cluster remove-cluster audit help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from status" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from status" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from status" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from status" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from status" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from status" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from status" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from status" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -l message -d 'Why, and what users should do (shown to everyone who runs a job)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -l until -d 'When submission is expected back: an RFC 3339 time or a duration from now (e.g. 2h)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -s y -l yes -d 'Do not ask for confirmation'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -l message -d 'A notice to keep showing users (default: none)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -s y -l yes -d 'Do not ask for confirmation'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from use" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l oozie-url -d 'Oozie base URL, e.g. http://oozie:11000/oozie' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l webhdfs-url -d 'WebHDFS or HttpFS base URL ending in /webhdfs/v1' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l name-node -d 'nameNode for workflows, e.g. hdfs://nn:8020' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l job-tracker -d 'jobTracker (ResourceManager address), e.g. rm:8032' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l yarn-url -d 'ResourceManager web/REST base URL' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l queue -d 'Default YARN queue' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l hive2-jdbc-url -d 'HiveServer2 JDBC URL for hive jobs' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from set-cluster" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from remove-cluster" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from remove-cluster" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from remove-cluster" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from remove-cluster" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from remove-cluster" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from remove-cluster" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from remove-cluster" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from remove-cluster" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from remove-cluster" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from remove-cluster" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from remove-cluster" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from remove-cluster" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -l limit -d 'How many entries' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from audit" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the whole state document'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Stop ad hoc submission everywhere, with a message for users'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Allow ad hoc submission again'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "use" -d 'Send ad hoc jobs to another cluster'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "set-cluster" -d 'Add or change a cluster\'s endpoints'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "remove-cluster" -d 'Remove a cluster (not the active one)'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "audit" -d 'Show the last changes, newest first'
complete -c hjob -n "__fish_hjob_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l listen -d 'Address to listen on' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l store -d 'The JSON store file, or zk://HOST:PORT[,HOST:PORT…]/PATH for a store replicated on ZooKeeper' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l zk-auth-file -d 'ZooKeeper store: a file with one `user:password` line, the digest identity that alone may write the znodes' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l max-stale -d 'ZooKeeper store: how long reads are served from the last snapshot after the session is lost (then 503)' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l audit-retention -d 'ZooKeeper store: audit entries kept (the newest)' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l zk-session-timeout -d 'ZooKeeper store: the session timeout asked for' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l init -d 'Seed the store from this document when the store does not exist' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l tokens -d 'Admin tokens: one `name:token` per line' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l store-mode -d 'The store file\'s permission bits, in octal' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l max-connections -d 'Open connections at most; past it the longest idle one is closed [default: the file limit less 64]' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l read-timeout -d 'Time a client has to send a request\'s head, and a PUT its body' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l idle-timeout -d 'Time a kept-alive connection may wait for its next request (at most --read-timeout)' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -l access-log -d 'Log one line per request to stderr (off by default: it costs throughput)'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -f -a "migrate" -d 'Copy a file store (document and audit log) into ZooKeeper'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and not __fish_seen_subcommand_from migrate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -l from -d 'The file store to copy (its audit log is read beside it)' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -l to -d 'The ZooKeeper store: zk://HOST:PORT[,HOST:PORT…]/PATH' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -l zk-auth-file -d 'The digest identity (one `user:password` line) that will own the znodes' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -l force -d 'Replace what is already under PATH'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Copy a file store (document and audit log) into ZooKeeper'
complete -c hjob -n "__fish_hjob_using_subcommand state-server; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "show" -d 'Print each resolved value and the layer it came from'
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "path" -d 'List the config files consulted, lowest layer first'
complete -c hjob -n "__fish_hjob_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from show" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from show" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from show" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from show" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from show" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from show" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from path" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from path" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from path" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from path" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from path" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from path" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print each resolved value and the layer it came from'
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'List the config files consulted, lowest layer first'
complete -c hjob -n "__fish_hjob_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -f -a "list" -d 'List the available job kinds and where their templates come from'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -f -a "show" -d 'Print a kind\'s template source'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and not __fish_seen_subcommand_from list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from list" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from list" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from list" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from list" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from list" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from list" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from list" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from list" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from show" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from show" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from show" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from show" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from show" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from show" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from show" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from show" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the available job kinds and where their templates come from'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print a kind\'s template source'
complete -c hjob -n "__fish_hjob_using_subcommand templates; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hjob -n "__fish_hjob_using_subcommand completions" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand completions" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand completions" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand completions" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand completions" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand completions" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand completions" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand completions" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand completions" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand completions" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand completions" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand man" -l output -d 'Output format: human text, or exactly one JSON document on stdout' -r -f -a "human\t''
json\t''"
complete -c hjob -n "__fish_hjob_using_subcommand man" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hjob -n "__fish_hjob_using_subcommand man" -l config -d 'An extra config file, above every other file layer' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand man" -l state-url -d 'State service base URL (overrides HJOB_STATE_URL and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand man" -l user -d 'User to run jobs as (overrides HJOB_USER and config)' -r
complete -c hjob -n "__fish_hjob_using_subcommand man" -l keytab -d 'Kerberos keytab to authenticate with (CI, service accounts), into a credential cache private to this run; needs --principal' -r -F
complete -c hjob -n "__fish_hjob_using_subcommand man" -l principal -d 'Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM)' -r
complete -c hjob -n "__fish_hjob_using_subcommand man" -l do-as -d 'Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER, authenticated as you; the cluster\'s proxy-user rules must allow it' -r
complete -c hjob -n "__fish_hjob_using_subcommand man" -s v -l verbose -d 'More diagnostics on stderr (repeat for more)'
complete -c hjob -n "__fish_hjob_using_subcommand man" -s q -l quiet -d 'Only errors and the result'
complete -c hjob -n "__fish_hjob_using_subcommand man" -s h -l help -d 'Print help'
complete -c hjob -n "__fish_hjob_using_subcommand man" -s V -l version -d 'Print version'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "run" -d 'Render, stage and submit a job, then wait for it'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "status" -d 'Show a job\'s status once'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "wait" -d 'Wait for a submitted job (re-attach), with the same display and exit codes as run'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "kill" -d 'Kill a job'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "logs" -d 'Show a job\'s Oozie log and its launcher\'s stdout/stderr'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "list" -d 'List recent jobs'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "gc" -d 'Remove staged files of ended jobs, unused cached files and partial uploads'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "cluster" -d 'Show the active cluster and whether ad hoc submission is enabled'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "doctor" -d 'Check the setup: config, state service, Oozie, NameNode, a DataNode, YARN, clock, HDFS home'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "admin" -d 'Change the state service (admins)'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "state-server" -d 'Serve the state API'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "config" -d 'Show the resolved configuration'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "templates" -d 'List or show workflow templates'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "completions" -d 'Print shell completions'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "man" -d 'Print the man page (roff)'
complete -c hjob -n "__fish_hjob_using_subcommand help; and not __fish_seen_subcommand_from run status wait kill logs list gc cluster doctor admin state-server config templates completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from run" -f -a "scalding" -d 'A Scalding job: java action running com.twitter.scalding.Tool'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from run" -f -a "java" -d 'A plain Java / MapReduce driver: java action'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from run" -f -a "spark" -d 'A Spark application (jar or .py) on YARN in cluster mode'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from run" -f -a "hive" -d 'A Hive query or script through HiveServer2 (hive2 action)'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from run" -f -a "shell" -d 'A shell command or script, with its output captured'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "status" -d 'Show the whole state document'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "disable" -d 'Stop ad hoc submission everywhere, with a message for users'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "enable" -d 'Allow ad hoc submission again'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "use" -d 'Send ad hoc jobs to another cluster'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "set-cluster" -d 'Add or change a cluster\'s endpoints'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "remove-cluster" -d 'Remove a cluster (not the active one)'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "audit" -d 'Show the last changes, newest first'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from state-server" -f -a "migrate" -d 'Copy a file store (document and audit log) into ZooKeeper'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print each resolved value and the layer it came from'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'List the config files consulted, lowest layer first'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from templates" -f -a "list" -d 'List the available job kinds and where their templates come from'
complete -c hjob -n "__fish_hjob_using_subcommand help; and __fish_seen_subcommand_from templates" -f -a "show" -d 'Print a kind\'s template source'
