import BuildProvenance
import Phases
import PipelineCore

StageMain.run(PhasesStage.self, codeTable: codeTable)
