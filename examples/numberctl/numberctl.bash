# bash completion for numberctl (installed by meson as .../bash-completion/completions/numberctl).
#
# Commands, global options, each command's options and the method names of `call` are read
# from the help texts numberctl itself prints (numberctl help, numberctl help COMMAND), so
# a new command, option or method needs no edit here. Only the values of a few options
# (--store, --format, --provisioning, --log-level) are written down below.
# Needs nothing of the bash-completion package; tests/numberctl/test-numberctl.sh tests it.
# COMPREPLY=($(compgen ...)) splits compgen's words, one per line, as completions do:
# shellcheck shell=bash disable=SC2207

# _numberctl_help PROGRAM [COMMAND]: PROGRAM's help, or its COMMAND's.
_numberctl_help()
{
	"$@" 2> /dev/null
}

_numberctl()
{
	local line=${COMP_LINE:0:COMP_POINT} program cur i command='' position=0
	local -a words
	# Words split on blanks only: bash's COMP_WORDS splits file:PATH at the colon.
	read -r -a words <<< "$line"
	[[ $line == *[[:blank:]] ]] && words+=("")
	cur=${words[${#words[@]} - 1]}
	program=${words[0]}
	[[ -x $program ]] || program=numberctl
	COMPREPLY=()

	local help global valued
	help=$(_numberctl_help "$program" help)
	global=$(sed -n '/^global options/,/^$/s/^  \(--[a-z-]*\).*/\1/p' <<< "$help")
	valued=$(sed -n '/^global options/,/^$/s/^  \(--[a-z-]*\) [A-Z].*/\1/p' <<< "$help")

	# The command: the first word that is neither an option nor an option's value.
	for ((i = 1; i < ${#words[@]} - 1; i++)); do
		case ${words[i]} in
		--*=*) ;;
		-*) [[ $'\n'$valued$'\n' == *$'\n'${words[i]}$'\n'* ]] && ((i++)) ;;
		*)
			command=${words[i]}
			position=$((${#words[@]} - 1 - i))
			break
			;;
		esac
	done

	local prev=
	((${#words[@]} > 1)) && prev=${words[${#words[@]} - 2]}
	case $prev in
	--store)
		if [[ $cur == file:* ]]; then
			COMPREPLY=($(compgen -f -P file: -- "${cur#file:}"))
		else
			COMPREPLY=($(compgen -W 'memory: file:' -- "$cur"))
			compopt -o nospace 2> /dev/null
		fi
		;;
	--policy) COMPREPLY=($(compgen -f -- "$cur")) ;;
	--format) COMPREPLY=($(compgen -W 'csv jsonl' -- "$cur")) ;;
	--provisioning) COMPREPLY=($(compgen -W 'immediate manual' -- "$cur")) ;;
	--log-level) COMPREPLY=($(compgen -W 'error warning info debug' -- "$cur")) ;;
	*)
		if [[ -n $prev && $'\n'$valued$'\n' == *$'\n'$prev$'\n'* && -z $command ]]; then
			: # the value of --as, --region, --max-instances: nothing to offer
		elif [[ -z $command ]]; then
			if [[ $cur == -* ]]; then
				COMPREPLY=($(compgen -W "$global --help" -- "$cur"))
			else
				COMPREPLY=($(compgen -W "$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' <<< "$help" |
					sort -u)" -- "$cur"))
			fi
		else
			local command_help options
			command_help=$(_numberctl_help "$program" help "$command")
			# The options of the usage lines (a continuation is indented), after the command's name.
			options=$(sed -n '/^usage:/,/^$/p' <<< "$command_help" | sed "s/^.* $command\( \|\$\)//" |
				grep -o -e '--[a-z][a-z-]*' | sort -u)
			if [[ $cur == -* ]]; then
				COMPREPLY=($(compgen -W "$options --help" -- "$cur"))
			else
				case $command in
				call)
					((position == 1)) && COMPREPLY=($(compgen -W "$(sed -n '/^Methods:/,/^$/p' <<< "$command_help" |
						sed 's/^Methods://' | tr -s ',. ' '\n' | grep -x '[A-Z][A-Za-z0-9_]*')" -- "$cur"))
					;;
				help) ((position == 1)) && COMPREPLY=($(compgen -W "$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' <<< "$help" | sort -u)" -- "$cur")) ;;
				billing) ((position == 1)) && COMPREPLY=($(compgen -W run -- "$cur")) ;;
				import) COMPREPLY=($(compgen -f -- "$cur")) ;;
				esac
			fi
		fi
		;;
	esac

	# bash replaces only what follows the last colon of a word: drop what precedes it.
	if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
		local colon=${cur%"${cur##*:}"}
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=${COMPREPLY[i]#"$colon"}
		done
	fi
	return 0
}
complete -F _numberctl numberctl
